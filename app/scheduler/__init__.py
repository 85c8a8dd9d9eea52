"""The scheduler process (`flask scheduler run`) and the jobs it runs."""
