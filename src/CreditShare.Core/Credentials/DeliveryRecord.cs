using System.Text.RegularExpressions;

namespace CreditShare.Core.Credentials;

/// <summary>
/// How a U-key reached its user (附1 接收方式): posted with the carrier's tracking number, or collected at the center by
/// the authorised agent, whose ID card was checked against 附2. Recorded once per certificate.
/// </summary>
public sealed record DeliveryRecord(DeliveryMethod Method, string? TrackingNumber, string? CollectedBy, bool CollectorIdChecked);

public static partial class DeliveryRules
{
    /// <summary>The record normalised (trimmed, tracking number upper case without spaces), and why it cannot be kept.</summary>
    public static (DeliveryRecord Record, IReadOnlyList<FieldError> Errors) Check(DeliveryRecord record)
    {
        var errors = new List<FieldError>();
        var tracking = record.TrackingNumber is null ? null : new string([.. record.TrackingNumber.Where(c => !char.IsWhiteSpace(c))]).ToUpperInvariant();
        var collector = record.CollectedBy?.Trim();
        switch (record.Method)
        {
            case DeliveryMethod.Post:
                if (tracking is null || !TrackingPattern().IsMatch(tracking))
                {
                    errors.Add(new FieldError("trackingNumber", "delivery.tracking_number", "邮寄须填写快递单号（6至40位字母、数字或连字符）"));
                }

                return (record with { TrackingNumber = tracking, CollectedBy = null, CollectorIdChecked = false }, errors);
            case DeliveryMethod.Collect:
                if (string.IsNullOrEmpty(collector) || collector.Length > 50)
                {
                    errors.Add(new FieldError("collectedBy", "delivery.collected_by", "现场领取须填写领取人姓名（不超过50字）"));
                }

                if (!record.CollectorIdChecked)
                {
                    // 附1: 经办人携带本人身份证 — without the check anyone could walk away with the key.
                    errors.Add(new FieldError("collectorIdChecked", "delivery.id_not_checked", "现场领取须核验领取人本人身份证后再登记"));
                }

                return (record with { TrackingNumber = null, CollectedBy = collector }, errors);
            default:
                errors.Add(new FieldError("method", "delivery.method", "请选择交付方式：邮寄或现场领取"));
                return (record, errors);
        }
    }

    [GeneratedRegex("^[A-Z0-9-]{6,40}$")]
    private static partial Regex TrackingPattern();
}
