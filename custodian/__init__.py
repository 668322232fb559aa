"""Custodian: the customer-data system of a public utility that keeps its privacy promises in code."""
