# an exception at import time
raise RuntimeError("boom at import")
