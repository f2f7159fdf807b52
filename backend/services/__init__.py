"""Use cases as plain functions over the store: no Flask imports here."""
