"""The kernel recorder: an IPython extension that stamps every execution with what ran and on what.

``%load_ext nb2prod`` loads it (the sidebar does so by itself). What it records, and where that is
saved, is written down in ``FORMAT.md`` beside this file. The parts:

- ``machine``, ``packages``, ``gpu``, ``git`` and ``environment``: the environment record;
- ``files``: the data files user code opens for reading (an audit hook);
- ``execution``: one execution's record (names, imports, seeds);
- ``session``: the recorder's state in one kernel and its IPython event handlers;
- ``channel`` and ``extension``: the comm to the front end, and loading;
- ``metadata``: records into a notebook's metadata; ``run``: ``nb2prod run``.
"""
