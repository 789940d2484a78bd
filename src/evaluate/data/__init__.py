"""Reading and checking a club's files, and the synthetic demo club."""
