"""What the cases app tells the apps above it, inside the transaction that changes the case."""

from django.dispatch import Signal

# Sent by ``services.record_dropout`` after the dropout is recorded (``case``, ``dropout``):
# the courses app ends the citizen's participation.
case_dropped_out = Signal()
