"""The synthetic demo store: its planted truth, the generator, and the training exercises checked against it."""
