"""Sharing intelligence between nodes: agreements, STIX 2.1 over TAXII 2.1, tokens, signatures."""
