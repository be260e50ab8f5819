"""The feedback half of the loop: actions tried on the line, the evidence of their outcomes,
the success check against the goal, and the library of past actions shared between projects."""
