"""Hostile input: every bad input gets a clear error, nothing is lost, nothing escapes (issue 8).

Every case runs through the command line and checks the documented exit status (README, "Exit
statuses"), that no traceback is printed, that each problem names file:line:col where the file has
a position, and that no file was written or changed (see helpers.py).
"""
