"""Trust: what lets a hospital put edge-assist on a ward kiosk.

* :mod:`~edge_assist.trust.audit` — an append-only, hash-chained audit log of who ran what and when,
  never patient text, written once per command at the CLI's error boundary.
* :mod:`~edge_assist.trust.history` — questions, notes and extractions kept only when the user turns
  history on, each payload sealed with AES-256-GCM (:mod:`~edge_assist.trust.crypto`), with retention
  limits and ``forget``.
* :mod:`~edge_assist.trust.redact` — HIPAA Safe Harbor redaction for logs and de-identified exports,
  measured on the synthetic PHI set :mod:`~edge_assist.trust.phi_synth` generates.

The package sits just above ``edge_assist.models`` in the layers contract: the CLI boundary and the
Assistant use it, and it imports nothing but the shared kernel and the standard library (plus
``cryptography`` and, when installed, ``keyring``).
"""
