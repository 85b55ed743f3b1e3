-- Where a pipeline's steps run: the executor (local, kubernetes) and, on Kubernetes, the container
-- image; NULL: the server's --executor and --kubernetes-image. A run keeps the placement its
-- pipeline had when it started.
ALTER TABLE pipeline ADD COLUMN executor TEXT;
ALTER TABLE pipeline ADD COLUMN step_image TEXT;
ALTER TABLE pipeline_version ADD COLUMN executor TEXT;
ALTER TABLE pipeline_version ADD COLUMN step_image TEXT;
