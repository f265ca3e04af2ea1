"""Amazon S3: buckets and their configuration, objects (chunked bodies in the database),
versioning, multipart uploads, listings, checksums, presigned URLs and POST uploads."""
