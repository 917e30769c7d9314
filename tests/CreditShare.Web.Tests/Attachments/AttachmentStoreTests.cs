using CreditShare.Web.Attachments;
using CreditShare.Web.Data;
using CreditShare.Web.Features.Sharing;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CreditShare.Web.Tests.Attachments;

/// <summary>The app with its attachment store in a folder of its own and a small size limit.</summary>
public sealed class AttachmentApp : CreditShareApp
{
    public AttachmentApp()
    {
        ExtraSettings["Attachments:Directory"] = Folder;
        ExtraSettings["Attachments:MaxBytes"] = "100000";
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "creditshare-attachments-" + Guid.NewGuid().ToString("N"));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}

/// <summary>
/// The attachment store every document-taking feature shares: a file is judged by its bytes, kept under a random name
/// with its owner's rows in one transaction, gone again when the rows fail, and found again by its stored name.
/// </summary>
public sealed class AttachmentStoreTests(AttachmentApp app) : IClassFixture<AttachmentApp>
{
    private static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"u8.ToArray();
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];

    private int FilesKept => Directory.Exists(app.Folder) ? Directory.GetFiles(app.Folder).Length : 0;

    [Fact]
    public async Task A_file_is_judged_by_its_bytes_not_by_its_name_or_type()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AttachmentStore>();
        string? CodeOf(string name, string? type, byte[] content) => store.Check(new AttachmentUpload(name, type, content), "doc")?.Code;

        Assert.Null(CodeOf("公函.pdf", "application/pdf", Pdf));
        Assert.Null(CodeOf("scan.PNG", null, Png));
        Assert.Null(CodeOf("photo", "image/jpeg", Jpeg));
        Assert.Equal("attachment.empty", CodeOf("公函.pdf", "application/pdf", []));
        Assert.Equal("attachment.too_large", CodeOf("big.pdf", "application/pdf", [.. Pdf, .. new byte[100_000]]));
        Assert.Equal("attachment.content_mismatch", CodeOf("公函.pdf", "application/pdf", "MZ\x90\0 an executable"u8.ToArray()));
        Assert.Equal("attachment.content_mismatch", CodeOf("scan.png", "image/png", Pdf));
        Assert.Equal("attachment.content_mismatch", CodeOf("letter", "image/png", Jpeg));
        Assert.Equal("attachment.type", CodeOf("notes.txt", "text/plain", "hello"u8.ToArray()));
        Assert.Equal("doc", store.Check(new AttachmentUpload("notes.txt", null, [1]), "doc")!.Field);
        Assert.Equal(("application/pdf", "image/png", "image/jpeg", (string?)null),
            (AttachmentStore.Sniff(Pdf), AttachmentStore.Sniff(Png), AttachmentStore.Sniff(Jpeg), AttachmentStore.Sniff("GIF89a"u8)));
    }

    [Fact]
    public async Task An_upload_is_read_past_the_limit_so_that_an_oversized_file_is_refused_not_cut_short()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AttachmentStore>();
        byte[] content = [.. Pdf, .. new byte[300_000]];
        var form = new FormFile(new MemoryStream(content), 0, content.Length, "letter", "公函.pdf") { Headers = new HeaderDictionary(), ContentType = "application/pdf" };

        var read = await store.ReadAsync(form);

        Assert.Equal(("公函.pdf", "application/pdf"), (read.FileName, read.ContentType));
        Assert.True(read.Content.Length > 100_000, $"read {read.Content.Length} bytes");
        Assert.Equal("attachment.too_large", store.Check(read, "letter")?.Code);
    }

    [Fact]
    public async Task Files_are_kept_with_their_rows_and_found_again_by_their_stored_name()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AttachmentStore>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var owner = -Random.Shared.NextInt64(1, long.MaxValue);
        IReadOnlyList<StoredFile> kept = [];

        await store.SaveAsync([new AttachmentUpload("../../etc/公函.pdf", "application/pdf", Pdf), new AttachmentUpload("scan", null, Png)], async stored =>
        {
            kept = stored;
            db.RequestAttachments.AddRange(stored.Select(f => Row(owner, f)));
            await db.SaveChangesAsync();
        });

        Assert.Equal(2, kept.Count);
        Assert.Equal(("公函.pdf", "application/pdf", (long)Pdf.Length), (kept[0].FileName, kept[0].ContentType, kept[0].Size));
        Assert.Equal(("image/png", (long)Png.Length), (kept[1].ContentType, kept[1].Size));
        Assert.Matches("^[0-9a-f]{32}\\.pdf$", kept[0].StoredName);
        Assert.Matches("^[0-9a-f]{32}\\.png$", kept[1].StoredName);
        Assert.Equal(Core.Crypto.ContentDigest.Hex(Pdf), kept[0].Sha256);
        Assert.Equal(Pdf, await File.ReadAllBytesAsync(store.PathOf(kept[0].StoredName)));
        Assert.Equal(Png, await File.ReadAllBytesAsync(store.PathOf(kept[1].StoredName)));
        Assert.Equal(Path.Combine(Path.GetFullPath(app.Folder), kept[0].StoredName), store.PathOf("../" + kept[0].StoredName));
        var rows = await app.WithDbAsync(d => d.RequestAttachments.Where(a => a.RequestId == owner).OrderBy(a => a.Id).Select(a => a.StoredName).ToListAsync());
        Assert.Equal(kept.Select(f => f.StoredName), rows);
    }

    [Fact]
    public async Task When_the_rows_fail_the_files_go_again_and_no_row_stays()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AttachmentStore>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var owner = -Random.Shared.NextInt64(1, long.MaxValue);
        var before = FilesKept;
        var seen = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveAsync([new AttachmentUpload("a.pdf", null, Pdf), new AttachmentUpload("b.jpg", null, Jpeg)],
            async stored =>
            {
                seen = stored.Count;
                Assert.Equal(before + 2, FilesKept);
                db.RequestAttachments.AddRange(stored.Select(f => Row(owner, f)));
                await db.SaveChangesAsync();
                throw new InvalidOperationException("the owner's save failed after its rows were written");
            }));

        Assert.Equal(2, seen);
        Assert.Equal(before, FilesKept);
        Assert.Equal(0, await app.WithDbAsync(d => d.RequestAttachments.CountAsync(a => a.RequestId == owner)));
    }

    private static RequestAttachment Row(long owner, StoredFile file) => new()
    {
        RequestId = owner,
        Kind = AttachmentKind.OfficialLetter,
        FileName = file.FileName,
        ContentType = file.ContentType,
        Size = file.Size,
        Sha256 = file.Sha256,
        StoredName = file.StoredName,
        UploadedBy = "test",
        UploadedAt = DateTimeOffset.UnixEpoch,
    };
}
