"""The corridor map: leg geometry, the interactive pydeck deck and the static matplotlib snapshot."""
