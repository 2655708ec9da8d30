"""The grader: hidden property-based checks behind a trust boundary.

Layers, each in its own module: ``submission`` reads a submission from disk;
``sandbox`` and ``child`` run it in a separate process, speaking ``protocol``;
``declaration`` says what is graded; ``checks`` and ``strategies`` say how;
``engine`` puts them together; ``report`` renders the result; ``cli`` is the
command line.
"""
