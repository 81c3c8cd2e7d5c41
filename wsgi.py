import gc
import logging

from juragan import create_app
from juragan.logs import redact_database_details

app = create_app()
# Errors that escape the app are logged by gunicorn: keep the same values out.
redact_database_details(logging.getLogger("gunicorn.error"))
# Everything loaded so far lives as long as the worker: keep it out of the cyclic
# collector's full passes, which otherwise stall a request for ~100 ms now and then.
gc.collect()
gc.freeze()
