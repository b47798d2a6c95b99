"""The data protection officer's audit log pages (the records are written by ``mikrolaan.audit``,
below every app; reading them across users, citizens and cases is this part's, above them)."""
