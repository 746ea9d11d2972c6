"""The station's services with no UI: store, keys, operators, applications, audit, outbox."""
