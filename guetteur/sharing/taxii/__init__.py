"""TAXII 2.1: the server routes under /taxii2/ and the queries behind them."""
