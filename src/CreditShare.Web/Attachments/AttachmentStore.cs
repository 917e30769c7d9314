using CreditShare.Core;
using CreditShare.Web.Data;
using Microsoft.Extensions.Options;

namespace CreditShare.Web.Attachments;

public sealed class AttachmentOptions
{
    /// <summary>Outside the web root; relative paths are taken from the working directory.</summary>
    public string Directory { get; set; } = "data/attachments";

    public long MaxBytes { get; set; } = 10 * 1024 * 1024;
}

/// <summary>A file as it arrived: the name and type its sender claims, and the bytes.</summary>
public sealed record AttachmentUpload(string FileName, string? ContentType, byte[] Content);

/// <summary>A file in the store, as its owner's attachment row records it.</summary>
public sealed record StoredFile(string FileName, string ContentType, long Size, string Sha256, string StoredName);

/// <summary>
/// The store for documents people upload, shared by every feature that takes them (formal requests now; objections,
/// credit repair and credential applications next). It judges a file by its bytes, not its name (PDF, PNG or JPEG,
/// at most <see cref="AttachmentOptions.MaxBytes"/>), keeps it under a random name in
/// <see cref="AttachmentOptions.Directory"/> (outside the web root) and finds it again. The store keeps files, not
/// rows: each owner keeps its own attachment rows (formal requests: <c>RequestAttachments</c>) with the
/// <see cref="StoredFile"/> columns, written inside <see cref="SaveAsync"/>'s transaction.
/// </summary>
public sealed class AttachmentStore(AppDbContext db, IOptions<AttachmentOptions> options)
{
    private string Directory => Path.GetFullPath(options.Value.Directory);

    /// <summary>What the bytes are, whatever the name says: PDF, PNG or JPEG only.</summary>
    public static string? Sniff(ReadOnlySpan<byte> content) =>
        content.StartsWith("%PDF-"u8) ? "application/pdf"
        : content.StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png"
        : content.StartsWith((byte[])[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : null;

    /// <summary>Why the file cannot be kept, reported on <paramref name="field"/>; null when it can.</summary>
    public FieldError? Check(AttachmentUpload file, string field)
    {
        if (file.Content.Length == 0)
        {
            return new FieldError(field, "attachment.empty", "文件为空");
        }

        if (file.Content.Length > options.Value.MaxBytes)
        {
            return new FieldError(field, "attachment.too_large", $"文件不能超过 {options.Value.MaxBytes / 1024 / 1024} MB");
        }

        var actual = Sniff(file.Content);
        var claimed = Path.GetExtension(file.FileName).ToLowerInvariant() switch
        {
            ".pdf" => "application/pdf",
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            _ => file.ContentType,
        };
        if (actual is null)
        {
            return claimed is "application/pdf" or "image/png" or "image/jpeg"
                ? new FieldError(field, "attachment.content_mismatch", $"文件“{file.FileName}”声称是 {claimed}，但内容不是")
                : new FieldError(field, "attachment.type", "只接受 PDF、PNG 或 JPEG 文件");
        }

        return claimed is not null && claimed != actual
            ? new FieldError(field, "attachment.content_mismatch", $"文件“{file.FileName}”的内容（{actual}）与其名称或类型（{claimed}）不符")
            : null;
    }

    /// <summary>Reads an upload up to one chunk past the limit, so that <see cref="Check"/> sees an oversized file as such.</summary>
    public async Task<AttachmentUpload> ReadAsync(IFormFile file)
    {
        using var buffer = new MemoryStream();
        await using var stream = file.OpenReadStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk)) > 0 && buffer.Length <= options.Value.MaxBytes)
        {
            buffer.Write(chunk, 0, read);
        }

        return new AttachmentUpload(file.FileName, file.ContentType, buffer.ToArray());
    }

    /// <summary>
    /// Files first, then the owner's rows: <paramref name="saveRows"/> gets the stored files in the order given and
    /// saves the owner and its attachment rows in one transaction. If it fails, the files go again — nothing
    /// half-written stays behind. The files must have passed <see cref="Check"/>.
    /// </summary>
    public async Task SaveAsync(IReadOnlyList<AttachmentUpload> files, Func<IReadOnlyList<StoredFile>, Task> saveRows)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var written = new List<string>();
        try
        {
            var stored = new List<StoredFile>();
            foreach (var file in files)
            {
                var contentType = Sniff(file.Content) ?? throw new InvalidOperationException("An attachment is stored only after its content was checked.");
                var name = $"{Guid.NewGuid():N}{(contentType == "application/pdf" ? ".pdf" : contentType == "image/png" ? ".png" : ".jpg")}";
                var path = Path.Combine(Directory, name);
                await File.WriteAllBytesAsync(path, file.Content);
                written.Add(path);
                stored.Add(new StoredFile(Path.GetFileName(file.FileName) is { Length: > 0 and <= 200 } clean ? clean : name, contentType, file.Content.Length,
                    Core.Crypto.ContentDigest.Hex(file.Content), name));
            }

            await using var transaction = await db.Database.BeginTransactionAsync();
            await saveRows(stored);
            await transaction.CommitAsync();
        }
        catch
        {
            foreach (var path in written)
            {
                File.Delete(path);
            }

            throw;
        }
    }

    /// <summary>Where a stored file is on disk; only a bare name from an owner's row is taken, never a path.</summary>
    public string PathOf(string storedName) => Path.Combine(Directory, Path.GetFileName(storedName));
}
