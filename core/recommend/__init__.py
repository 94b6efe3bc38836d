"""Sequential recommendation: interaction sequences, leave-last-out splits, baselines (popularity,
item-kNN), ranking metrics, and the SASRec pipeline with explanations. No Streamlit here."""
