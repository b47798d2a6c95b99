"""Statements for the tests: the generator lives in ``banking.samples`` (the demo uses it too)."""

from mikrolaan.banking.samples import ACCOUNT, Payment, camt053, csv_statement, pay

__all__ = ["ACCOUNT", "Payment", "camt053", "csv_statement", "pay"]
