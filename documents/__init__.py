"""The official forms as PDF (biểu mẫu): see documents.render for what the site calls."""
