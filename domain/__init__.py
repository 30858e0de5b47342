"""Pure model and rules of hrsync: employees, stakeholders, names, matching, change sets."""
