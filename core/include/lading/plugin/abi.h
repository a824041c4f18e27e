/* lading plugin ABI: the only contract between the lading host and a plugin.
 *
 * Pure C, no dependencies but <stddef.h>/<stdint.h>. A plugin exports exactly one
 * symbol, LADING_PLUGIN_ENTRY_SYMBOL, returning a pointer to a static table whose first
 * member is a lading_plugin_header. The host checks abi_version and struct_size before it
 * touches anything else. Fields are only ever appended to the tables below; a host reads
 * an appended field only when struct_size says the plugin has it.
 *
 * OWNERSHIP: handles are created and destroyed by the plugin; buffers cross as borrowed
 * views valid for the duration of the call; strings returned by a plugin stay valid until
 * the next call on the same handle (or for the plugin's lifetime when they are static).
 * No exception ever crosses this boundary.
 */
#ifndef LADING_PLUGIN_ABI_H
#define LADING_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LADING_PLUGIN_ABI_VERSION 1u
#define LADING_PLUGIN_ENTRY_SYMBOL "lading_plugin_entry_v1"

typedef enum lading_plugin_kind {
    LADING_KIND_COMPRESSOR = 1,
    LADING_KIND_MEDIATYPE = 2,
    LADING_KIND_STORE = 3
} lading_plugin_kind;

typedef enum lading_status {
    LADING_OK = 0,        /* progress was made, call again with more input or output room */
    LADING_DONE = 1,      /* the stream is finished and all output has been handed out */
    LADING_ERROR = -1,    /* see last_error() of the handle */
    LADING_NOT_FOUND = -2 /* the named object does not exist */
} lading_status;

typedef struct lading_plugin_header {
    uint32_t abi_version; /* LADING_PLUGIN_ABI_VERSION the plugin was built against */
    uint32_t struct_size; /* sizeof the whole kind-specific table */
    uint32_t kind;        /* lading_plugin_kind */
    const char* name;     /* e.g. "zstd", "oci", "oci-layout"; static */
    const char* version;  /* the plugin's own version; static */
} lading_plugin_header;

typedef const lading_plugin_header* (*lading_plugin_entry_fn)(void);

/* ---------------------------------------------------------------- compressor ---- */

/* zlib-style stream: the caller owns both buffers; transform advances the pointers. */
typedef struct lading_stream_io {
    const uint8_t* next_in;
    size_t avail_in;
    uint8_t* next_out;
    size_t avail_out;
} lading_stream_io;

typedef struct lading_codec lading_codec; /* opaque, plugin-owned */

typedef struct lading_compressor_v1 {
    lading_plugin_header header;
    /* Suffix of the layer media type ("gzip", "zstd") or "" for uncompressed. */
    const char* media_suffix;
    int32_t level_min, level_max, level_default;
    /* 1 when the first bytes of a blob (at least 16, fewer if the blob is shorter) were
     * written by this codec's format, else 0. */
    int (*detect)(const uint8_t* head, size_t len);
    /* threads: worker threads the codec may use (>= 1). The compressed bytes must not
     * depend on it. error receives a message on failure (NUL-terminated, truncated). */
    lading_codec* (*compressor_new)(int32_t level, uint32_t threads, char* error, size_t error_len);
    lading_codec* (*decompressor_new)(char* error, size_t error_len);
    /* finish = 1 once every input byte has been passed. Returns LADING_OK, LADING_DONE
     * (only with finish = 1, when all output is out) or LADING_ERROR. lading brings new
     * input (avail_in > 0) with every call before finish = 1, so a codec never has to wait
     * for output it is not asked to give yet; output not handed out by one call (the
     * buffer is full or the work not done) goes out with later ones. */
    int (*transform)(lading_codec* codec, lading_stream_io* io, int finish);
    /* After LADING_DONE on a compressor: layer annotations as a JSON object ("{}" when
     * none) and the diffID the layer must carry when it differs from the sha256 of the
     * input ("" when it does not). */
    const char* (*annotations_json)(lading_codec* codec);
    const char* (*diff_id)(lading_codec* codec);
    const char* (*last_error)(lading_codec* codec);
    void (*destroy)(lading_codec* codec);

    /* ---- appended; present when header.struct_size covers it ---- */

    uint32_t flags; /* lading_compressor_flag bits */
} lading_compressor_v1;

typedef enum lading_compressor_flag {
    /* The codec rewrites the tar stream (estargz adds its TOC) and diff_id() always returns
     * the diffID of what it wrote, so the host need not hash the input for the diffID. */
    LADING_COMPRESSOR_OWN_DIFF_ID = 1u << 0
} lading_compressor_flag;

/* ---------------------------------------------------------------- media types --- */

typedef enum lading_object {
    LADING_OBJECT_MANIFEST = 1,
    LADING_OBJECT_INDEX = 2,
    LADING_OBJECT_CONFIG = 3,
    LADING_OBJECT_LAYER = 4
} lading_object;

typedef enum lading_capability {
    LADING_CAN_MANIFEST_ANNOTATIONS = 1u << 0,
    LADING_CAN_DESCRIPTOR_ANNOTATIONS = 1u << 1, /* index, index-descriptor, manifest-descriptor */
    LADING_CAN_LAYER_ANNOTATIONS = 1u << 2,      /* e.g. the estargz TOC digest */
    LADING_CAN_ARTIFACTS = 1u << 3,              /* artifactType, subject, empty config */
    LADING_CAN_ATTESTATIONS = 1u << 4
} lading_capability;

typedef struct lading_mediatype_v1 {
    lading_plugin_header header;
    uint32_t capabilities; /* lading_capability bits */
    /* The media type of an object; for LADING_OBJECT_LAYER, layer_suffix is the
     * compressor's media_suffix. Returns NULL when the format cannot express it. */
    const char* (*media_type)(uint32_t object, const char* layer_suffix);
    /* The compressor suffix of a layer media type this format (or any known format)
     * names, or NULL when the media type is not a layer type it knows. */
    const char* (*layer_suffix_of)(const char* media_type);
} lading_mediatype_v1;

/* ---------------------------------------------------------------- stores -------- */

typedef struct lading_store lading_store;           /* opaque, plugin-owned */
typedef struct lading_blob_writer lading_blob_writer; /* opaque, plugin-owned */
typedef struct lading_blob_reader lading_blob_reader; /* opaque, plugin-owned */

/* One name → root descriptor binding. descriptor_json is a canonical JSON descriptor
 * object (mediaType, digest, size, optional platform and annotations). */
typedef struct lading_store_name {
    const char* name;       /* as given by the user, e.g. "app:1" */
    const char* normalized; /* e.g. "docker.io/library/app:1" */
    const char* descriptor_json;
} lading_store_name;

typedef void (*lading_name_visitor)(void* user, const char* name, const char* descriptor_json);

/* Receives one line of text, valid during the call only. */
typedef void (*lading_text_visitor)(void* user, const char* text);

typedef enum lading_content_kind {
    LADING_CONTENT_BLOB = 0,
    LADING_CONTENT_TEMPORARY_IN_USE = 1,    /* its writer still runs */
    LADING_CONTENT_TEMPORARY_ABANDONED = 2, /* its writer is gone; removed on the next write open */
    LADING_CONTENT_STRAY = 3                /* not a blob, not a temporary: a stranger file or link */
} lading_content_kind;

typedef void (*lading_content_visitor)(void* user, int kind, const char* name, uint64_t size);

/* Receives a whole value at once; the bytes are valid during the call only. */
typedef void (*lading_bytes_visitor)(void* user, const uint8_t* data, size_t len);

/* Receives one record: its key and whole value, or value NULL (len 0) when the record is
 * there but cannot be read. Valid during the call only. */
typedef void (*lading_record_visitor)(void* user, const char* key, const uint8_t* value, size_t len);

/* unpack: one layer of the image to unpack, as its manifest and config give it. */
typedef struct lading_unpack_layer {
    const char* descriptor_json; /* the manifest's layer descriptor (mediaType, digest, size, annotations) */
    const char* diff_id;         /* the config's sha256 of the layer's uncompressed tar */
} lading_unpack_layer;

/* What the host lends a store during unpack: its own unpacker of layers into a directory
 * tree, for stores that keep root filesystems as directories under their local_root. */
typedef struct lading_unpack_host {
    uint32_t struct_size; /* sizeof the structure the host filled; members are only appended */
    void* context;
    /* Unpacks the image's layers, bottom first, into <local_root>/<area>/<rootfs>, checking
     * each against its diffID. area is one directory name; the host creates it private
     * (0700: a rootfs may hold setuid files and device nodes). rootfs is a relative path of
     * at least two components, none "." or "..", e.g. "sha256/<hex>/rootfs"; the directories
     * above it are created as needed. The tree is built in a temporary beside it, locked by
     * its writer, and renamed into place only when complete; temporaries abandoned by killed
     * writers beside any other rootfs of the area at the same depth are removed first.
     * Returns LADING_OK when it unpacked the tree, LADING_DONE when the tree was already
     * there (or another process finished it first), LADING_ERROR on failure; then the
     * store's unpack returns LADING_ERROR too, and the host reports its own error. */
    int (*unpack_into_directory)(void* context, const char* area, const char* rootfs);
} lading_unpack_host;

typedef struct lading_unpack_request {
    uint32_t struct_size; /* sizeof the structure the host filled; members are only appended */
    const char* manifest_descriptor_json; /* the manifest for the host's platform */
    const char* platform;                 /* "os/arch[/variant]" of that manifest */
    const lading_unpack_layer* layers;    /* bottom first */
    size_t layer_count;
    const lading_unpack_host* host;
} lading_unpack_request;

typedef struct lading_store_v1 {
    lading_plugin_header header;
    /* location: a directory, or whatever the backend takes. Creates it when missing. */
    lading_store* (*open)(const char* location, char* error, size_t error_len);
    void (*close)(lading_store* store);
    const char* (*last_error)(lading_store* store);

    /* 1 and *size set when the blob is present, 0 when not, LADING_ERROR on failure. */
    int (*blob_exists)(lading_store* store, const char* digest, uint64_t* size);
    /* Writes go to a private temporary; commit checks nothing (the host hashed the
     * bytes), makes the blob durable and visible under digest atomically. abort discards.
     * Both end the writer's life. */
    lading_blob_writer* (*blob_begin)(lading_store* store);
    int (*blob_write)(lading_blob_writer* writer, const uint8_t* data, size_t len);
    int (*blob_commit)(lading_blob_writer* writer, const char* digest);
    void (*blob_abort)(lading_blob_writer* writer);

    lading_blob_reader* (*blob_open)(lading_store* store, const char* digest);
    /* Returns bytes read into buf, 0 at the end, -1 on error. */
    int64_t (*blob_read)(lading_blob_reader* reader, uint8_t* buf, size_t len);
    void (*blob_close)(lading_blob_reader* reader);

    /* Binds every name atomically: either all land or none; other names stay. */
    int (*set_names)(lading_store* store, const lading_store_name* names, size_t count);
    /* Calls visit once per name, in the store's order, with its descriptor as the store holds
     * it, even one the host cannot use (a bad digest, no size): the host judges it, so that
     * one damaged name does not hide the others. */
    int (*list_names)(lading_store* store, lading_name_visitor visit, void* user);
    /* A local path where a blob's bytes can be read directly, or NULL. Optional. */
    const char* (*blob_path)(lading_store* store, const char* digest);

    /* ---- appended; present when header.struct_size covers them ---- */

    /* Opens an existing store for reading only: nothing is created, cleaned or written in
     * it, and no symbolic link inside it is followed. Writes through the handle fail. */
    lading_store* (*open_read_only)(const char* location, char* error, size_t error_len);
    /* Calls visit once per file the store holds outside its names: every blob (name =
     * its digest), every temporary (in use by a live writer or abandoned) and every file
     * in the blob area that is not a blob (name = its path in the store). */
    int (*list_contents)(lading_store* store, lading_content_visitor visit, void* user);

    /* ---- appended; present when header.struct_size covers them. Any may be NULL. ---- */

    /* Small named records the host keeps in the store beside the images (how a base layer
     * was converted by force-compression, under "conversions/sha256/<hex>/<compression>/<level>";
     * the hint that spares a repeat push of an unchanged tree, under "push-hints/sha256/<hex>").
     * A key is components joined by '/', each of letters, digits, '.', '-' and '_', never
     * starting with '.'; at most 1024 bytes. A value is a few KiB at most.
     * metadata_get calls visit once with the whole value and returns LADING_OK, or returns
     * LADING_NOT_FOUND when there is no record under key, or LADING_ERROR. */
    int (*metadata_get)(lading_store* store, const char* key, lading_bytes_visitor visit, void* user);
    /* Replaces the record under key atomically and durably: a reader sees the old value or
     * the new one, never a mix, and a crash leaves one of them. */
    int (*metadata_put)(lading_store* store, const char* key, const uint8_t* value, size_t len);
    /* The absolute directory the store lives in, when it is one; NULL when it is not (a
     * daemon's content store). Host features that need a directory reach it only through
     * this. Valid for the handle's lifetime. */
    const char* (*local_root)(lading_store* store);
    /* Unpacks the root filesystem of request's manifest; the store decides where and how.
     * A store that keeps it as a directory names the place and has the host build the tree
     * (request->host->unpack_into_directory); a store that unpacks by itself (containerd:
     * Diff.Apply of each layer onto a snapshot keyed by its chain ID, from the diffIDs)
     * reads the layers from its own content and never calls the host. While the store
     * calls the host, the host reads the layer blobs through blob_open/blob_read/blob_close
     * on the same handle. Returns LADING_OK when it unpacked the image now, LADING_DONE
     * when it was unpacked already, LADING_ERROR on failure; on success *where says where
     * the tree is (a path, a snapshot key), valid until the next call on the handle. */
    int (*unpack)(lading_store* store, const lading_unpack_request* request, const char** where);

    /* ---- appended; present when header.struct_size covers it. May be NULL. ---- */

    /* Notes that a stored blob was pulled from `repository` on `registry` (a base image's
     * layer), for a store that keeps such provenance (containerd: the label
     * containerd.io/distribution.source.<registry>=<repository>[,<repository>...]).
     * Returns LADING_OK, LADING_NOT_FOUND when the blob is not in the store, or LADING_ERROR. */
    int (*blob_source)(lading_store* store, const char* digest, const char* registry, const char* repository);

    /* ---- appended; present when header.struct_size covers it. May be NULL. ---- */

    /* Opens (creating) a store as open does, for the host's own spools: directories it
     * removes when it is done and that a crash leaves as garbage. Nothing written through
     * the handle needs to survive a crash, so a store may skip the flushes that make its
     * blobs durable. When NULL, the host uses open. */
    lading_store* (*open_scratch)(const char* location, char* error, size_t error_len);

    /* ---- appended; present when header.struct_size covers it. May be NULL. ---- */

    /* Calls visit once per record whose key starts with prefix (one or more key components
     * followed by '/', e.g. "conversions/"), in no particular order. For `lading store
     * check`. Returns LADING_OK, or LADING_ERROR when the records cannot be listed. */
    int (*metadata_list)(lading_store* store, const char* prefix, lading_record_visitor visit, void* user);

    /* ---- appended; present when header.struct_size covers it. May be NULL. ---- */

    /* Removes the record under key. Returns LADING_OK, LADING_NOT_FOUND when there is none,
     * or LADING_ERROR (a key the ABI does not allow, a read-only handle). For the host's
     * upkeep of its records (the push hints it keeps, the most recently written ones). */
    int (*metadata_remove)(lading_store* store, const char* key);

    /* ---- appended; present when header.struct_size covers it. May be NULL. ---- */

    /* Calls visit once per entry of the store's list of names that list_names skips because
     * it cannot tell whether or how the entry is named (oci-layout: an index.json entry that
     * is no object, or whose org.opencontainers.image.ref.name is no string), with one line
     * saying where it is and what is wrong. set_names keeps such entries as they are. For
     * `lading images` and `lading store check`. Returns LADING_OK or LADING_ERROR. */
    int (*list_unreadable_names)(lading_store* store, lading_text_visitor visit, void* user);
} lading_store_v1;

#ifdef __cplusplus
}
#endif
#endif
