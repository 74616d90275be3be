"""bkend Auth & User API sandbox: a spec-first reference server for the docs' live console."""
