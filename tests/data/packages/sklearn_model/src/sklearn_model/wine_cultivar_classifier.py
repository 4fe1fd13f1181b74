"""Wine cultivar classifier: notebook cell 2; id 30e223c000c8 of sklearn_model.ipynb."""


SEED = 0
