"""The case pages, one module per audience: portal (customers), staff (queue and case page),
hotline (quick-log), public (form for people without an account), files (downloads)."""
