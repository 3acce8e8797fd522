"""The attack suite: one test per hole of the trust review (issue 10), written as an attacker would try it."""
