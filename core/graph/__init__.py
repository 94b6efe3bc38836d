"""Graph building, community detection, influence and community profiles.

`build` turns canonical tables into one `UserGraph`; `detect.detect_communities` returns one
`CommunityResult` for every method; `influence` and `profiles` read both. igraph is imported
lazily inside functions so `import core.graph` stays cheap.
"""
