"""The detail pane: one paper's fields, links, tags, figures and notes."""
