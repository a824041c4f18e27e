// `lading store check`: what is wrong in a store, one finding per problem.
#pragma once

#include <lading/plugin/store.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lading {

struct store_finding {
    bool fault;  // false: worth knowing, not wrong (an unreferenced blob, a temporary)
    std::string text;
};

struct store_check_report {
    std::vector<store_finding> findings;
    std::size_t names = 0, blobs = 0, faults = 0, dangling = 0, temporaries = 0;
    std::size_t records = 0;  // kept beside the images: conversion records and push hints
    std::size_t unpacked = 0;  // root filesystems of unpack=true
};

// Hashes every blob, follows every name through its indexes and manifests to their
// configs, layers and children (each present, with the size and digest its descriptor
// gives), lists what no name reaches and the temporaries writers left, and reads every
// record lading keeps in the store (each must parse; a conversion record's blob should be
// there). In an oci-layout store, also checks the unpacked/ area: private to its owner,
// nothing but root filesystems of manifests the store holds and their unpacks' temporaries,
// no link where a directory belongs. Reads only.
store_check_report check_store(plugin::store& store);

}  // namespace lading
