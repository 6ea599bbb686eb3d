"""The register of legal documents that plans cite (văn bản căn cứ), one record per document."""
