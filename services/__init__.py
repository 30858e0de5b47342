"""The use cases: each takes the services, the company and the actor, and returns plain values (audited here)."""
