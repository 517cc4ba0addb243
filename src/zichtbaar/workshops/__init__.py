"""Workshop mode: a trainer runs the LinkedIn workshop live, and the effect report shows
afterwards whether people post more often."""
