"""Tools built on the stages below: batch runs, comparisons of drafts, the editor server, highlighting, rendered memos."""
