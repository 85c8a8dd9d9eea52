"""The versioned S-38/SE-1 policy: values with an effective date, and the work calendar."""
