"""Production static files: WhiteNoise's compressed, hashed storage, tolerant of third-party CSS.

viewflow ships a font stylesheet whose url() references files the package does not include;
Django's hashing then aborts collectstatic. A reference that cannot be found is left as
written (it was already broken in the package) instead of failing the whole deploy; every
file that exists is still hashed and compressed.
"""
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStorage(CompressedManifestStaticFilesStorage):
    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def tolerant(matchobj):
            try:
                return convert(matchobj)
            except ValueError:  # the referenced file does not exist: keep the original reference
                return matchobj.group(0)

        return tolerant
