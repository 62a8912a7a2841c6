"""Messages into series, threads, revisions, reviews from replies and acceptances."""
