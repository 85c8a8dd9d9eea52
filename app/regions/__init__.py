"""Indonesia's provinces and regencies/cities, with their time zones."""
