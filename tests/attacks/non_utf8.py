# non-UTF-8 bytes
def bernoulli_mle(y):
    return "ÿþ café"
