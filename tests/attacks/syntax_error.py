# a syntax error: every function of the file costs nothing else
def bernoulli_log_likelihood(p, y)
    return 0
