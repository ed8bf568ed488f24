"""`guetteur demo --two-nodes`: a marketplace node and a customs node sharing under an agreement.

Two stores under the data dir (`marketplace-node/`, `customs-node/`), both seeded from the same
demo world, each holding only what its organisation would hold:

- the marketplace node: brands and products, sellers, listings, verdicts and notices (then link,
  train, score as `guetteur demo` does); its organisation `marketplace` and its log-ins;
- the customs node: brands, declarations and inspections (then link the customs parties); its
  organisation `customs` and its log-ins. It has no seller account and no listing.

The agreement is made as two administrators would (docs/sharing.md): the same terms on both
nodes (`two-nodes-terms.json`), each node's public card handed to the other (`*.card.json`), a
technical user and API token for the partner's organisation on each node, credentials set.
Then, with both nodes served as two `guetteur serve` processes on 127.0.0.1, the loop runs once:
the marketplace shares a ring (a network found by `link`) as tokens, customs syncs and its
correlation raises alerts on matching consignors, customs targets with that intelligence, detains
the goods of a matching parcel and shares the seizure back, and the marketplace syncs and links
the seizure to its seller and the seller's network. The network shared is the one an analyst would
share first: the most confirmed counterfeits and notices among its accounts' listings (what the
marketplace node knows; the world's hidden truth is never read).

Both servers then keep running with a scheduled sync (`GUETTEUR_SYNC_INTERVAL_SECONDS`) until
Ctrl-C. A second run keeps the stores and only serves them.
"""

from guetteur.demo.two_nodes.nodes import DemoNode, opened, port_is_free
from guetteur.demo.two_nodes.run import run_demo, setup

__all__ = ["DemoNode", "opened", "port_is_free", "run_demo", "setup"]
