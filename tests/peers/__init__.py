"""Test peers: servers that tests connect to, and the fixtures that start them."""
