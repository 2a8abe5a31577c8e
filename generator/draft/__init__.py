"""Drafting: a new source's text -> a proposed summary for an editor to review (`factsheets draft`).

Offline and deterministic by default (`rules`), or from a language model (`model`); either
way every proposal carries a quote found verbatim in the text, and the draft is written as
a normal summary marked `status: draft` (`compose`), which `factsheets check` validates.
"""
