"""The data files the site publishes beside its pages: what the Map, Timeline and Network
pages draw (and, later, the downloads). Deterministic: the same account, the same bytes."""
