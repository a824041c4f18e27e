# conf/lading-bake.example.json written as HCL, as docker buildx bake reads docker-bake.hcl:
#   lading bake -f conf/lading-bake.example.hcl release --print
variable "REGISTRY" {
  default     = "127.0.0.1:5000"
  description = "where the release group pushes"
}
variable "TAG" {
  default     = "dev"
  description = "the tag of every image"
}
variable "PLATFORMS" {
  type    = list(string)
  default = ["linux/amd64", "linux/arm64"]
}

// image("app") is "127.0.0.1:5000/app:dev"
function "image" {
  params = [name]
  result = "${REGISTRY}/${name}:${TAG}"
}

group "default" {
  targets = ["app"]
}
group "release" {
  targets     = ["app", "tools"]
  description = "everything that is pushed"
}

target "base" {
  context           = "sample-rootfs"
  platforms         = PLATFORMS
  labels            = { "org.opencontainers.image.version" = TAG }
  source-date-epoch = 1700000000
}

target "app" {
  inherits    = ["base"]
  description = "the application image"
  tags        = [image("app")]
  cmd         = ["/bin/app", "--serve"]
  env         = { APP_MODE = "production" }
  workdir     = "/srv"
  output      = ["type=image,compression=zstd"]
  annotations = ["index:org.opencontainers.image.title=app"]
  attest      = ["type=provenance,mode=max"]
}

// One image per tool.
target "tools" {
  inherits    = ["base"]
  description = "one image per tool"
  matrix      = { tool = ["curl", "jq"] }
  name        = "tools-${tool}"
  tags        = [image(tool)]
  entrypoint  = ["/bin/${tool}"]
  output      = ["type=registry,compression=gzip"]
}
