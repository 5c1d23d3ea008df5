"""What comes in from outside the KB: postmortems, Prometheus rule files, feedback votes."""
