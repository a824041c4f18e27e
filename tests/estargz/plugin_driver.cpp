#include "plugin_driver.hpp"

#include "common/codec_driver.hpp"

#include <algorithm>
#include <memory>
#include <random>
#include <stdexcept>

namespace estargz_test {

namespace {

// Seeded random slices of 1..max_slice bytes and output buffers of 1..max_out bytes.
class random_feeding {
public:
    explicit random_feeding(const feed& f) : rng_(f.seed)
    {
        feeding_ = {[this, max = f.max_slice] { return draw(max); }, [this, max = f.max_out] { return draw(max); },
                    f.finish_separately};
    }
    random_feeding(const random_feeding&) = delete;  // the draws refer to this object
    random_feeding& operator=(const random_feeding&) = delete;
    const lading::test::codec_feeding& get() const { return feeding_; }

private:
    std::size_t draw(std::size_t max) { return std::uniform_int_distribution<std::size_t>(1, max)(rng_); }
    std::mt19937_64 rng_;
    lading::test::codec_feeding feeding_;
};

}  // namespace

const lading_compressor_v1& estargz_table()
{
    return lading::test::compressor_table(LADING_TEST_PLUGIN_DIR, "estargz");
}

compressed compress(const bytes& tar, const feed& f, unsigned threads, int level)
{
    const auto& t = estargz_table();
    auto codec = lading::test::new_compressor(t, level, threads);
    auto o = lading::test::run_codec(t, codec.get(), tar, random_feeding(f).get());
    compressed c;
    c.status = o.status;
    c.error = o.error;
    c.blob = std::move(o.output);
    if (c.status == LADING_DONE) {
        c.annotations_json = t.annotations_json(codec.get());
        c.diff_id = t.diff_id(codec.get());
    }
    return c;
}

compressed compress_ok(const bytes& tar, const feed& f, unsigned threads, int level)
{
    compressed c = compress(tar, f, threads, level);
    if (c.status != LADING_DONE) throw std::runtime_error("estargz compression failed: " + c.error);
    return c;
}

bytes decompress(const bytes& blob, const feed& f)
{
    const auto& t = estargz_table();
    auto codec = lading::test::new_decompressor(t);
    auto o = lading::test::run_codec(t, codec.get(), blob, random_feeding(f).get());
    if (o.status != LADING_DONE) throw std::runtime_error("estargz decompression failed: " + o.error);
    return std::move(o.output);
}

}  // namespace estargz_test
