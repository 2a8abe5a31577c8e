"""Stage 2, the knowledge: every summary merged into one account.

The account's model, where every value is a fact with its citations (`model.py`), the
merge (`merge.py`), timeline order (`timeline.py`), reverse lookups and counts
(`lookups.py`), and likely duplicate ids (`duplicates.py`). Its product is a
`model.KnowledgeBase`.
"""
