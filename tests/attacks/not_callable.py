# bernoulli_mle is not a function
bernoulli_mle = 0.5
