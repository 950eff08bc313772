import CZlib

/// zlib deflate as git compresses the data of a `GIT binary patch`: the system zlib (the
/// library git itself links), at git's `zlib_compression_level`, `Z_BEST_SPEED`.
enum ZlibDeflater {
    static func compress(_ data: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit_(&stream, Z_BEST_SPEED, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            preconditionFailure("zlib deflateInit failed")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))))
        var input = data
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        precondition(status == Z_STREAM_END, "zlib deflate did not finish in deflateBound bytes")
        return Array(output.prefix(Int(stream.total_out)))
    }
}
