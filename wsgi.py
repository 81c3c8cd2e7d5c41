import gc

from juragan import create_app

app = create_app()
# Everything loaded so far lives as long as the worker: keep it out of the cyclic
# collector's full passes, which otherwise stall a request for ~100 ms now and then.
gc.collect()
gc.freeze()
